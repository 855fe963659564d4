-- AlterTable
ALTER TABLE "Keystore" ADD COLUMN "claimExpiresAt" DATETIME;
ALTER TABLE "Keystore" ADD COLUMN "claimedBy" TEXT;

-- AlterTable
ALTER TABLE "KeyInstance" ADD COLUMN "claimExpiresAt" DATETIME;
ALTER TABLE "KeyInstance" ADD COLUMN "claimedBy" TEXT;
