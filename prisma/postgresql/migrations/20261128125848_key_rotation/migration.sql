-- AlterTable
ALTER TABLE "KeyInstance" ADD COLUMN     "replacedKeyIds" TEXT NOT NULL DEFAULT '[]';
