-- CreateTable
CREATE TABLE "KeyTemplateTarget" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "templateId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "keystoreType" TEXT NOT NULL,
    "keystoreGroup" TEXT NOT NULL,
    "options" TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT "KeyTemplateTarget_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "KeyTemplate" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CopyData: each existing template's single target becomes its first (position 0) target, its
-- id the template's (a UUID already, and unique: one target per template so far). Nothing is lost.
INSERT INTO "KeyTemplateTarget" ("id", "templateId", "position", "keystoreType", "keystoreGroup", "options")
SELECT "id", "id", 0, "keystoreType", "keystoreGroup", "options" FROM "KeyTemplate";

-- DropColumns, in place rather than Prisma's copy-and-rename of KeyTemplate: the gateway applies a
-- migration inside a transaction, where PRAGMA foreign_keys=OFF has no effect, so dropping the old
-- table would cascade to the targets just copied and be refused by the managed keys that use it.
DROP INDEX "KeyTemplate_keystoreType_idx";
ALTER TABLE "KeyTemplate" DROP COLUMN "keystoreType";
ALTER TABLE "KeyTemplate" DROP COLUMN "keystoreGroup";
ALTER TABLE "KeyTemplate" DROP COLUMN "options";

-- CreateIndex
CREATE INDEX "KeyTemplateTarget_keystoreType_idx" ON "KeyTemplateTarget"("keystoreType");

-- CreateIndex
CREATE UNIQUE INDEX "KeyTemplateTarget_templateId_keystoreType_keystoreGroup_key" ON "KeyTemplateTarget"("templateId", "keystoreType", "keystoreGroup");

-- CreateIndex
CREATE UNIQUE INDEX "KeyTemplateTarget_templateId_position_key" ON "KeyTemplateTarget"("templateId", "position");
