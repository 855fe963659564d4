-- AlterTable
ALTER TABLE "KeyInstance" ADD COLUMN     "failedAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "materialVersion" TEXT,
ADD COLUMN     "retryAfter" TIMESTAMP(3);
