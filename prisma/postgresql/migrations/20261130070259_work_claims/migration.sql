-- AlterTable
ALTER TABLE "Keystore" ADD COLUMN     "claimExpiresAt" TIMESTAMP(3),
ADD COLUMN     "claimedBy" TEXT;

-- AlterTable
ALTER TABLE "KeyInstance" ADD COLUMN     "claimExpiresAt" TIMESTAMP(3),
ADD COLUMN     "claimedBy" TEXT;
