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

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_KeyTemplate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "vaultId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "algorithm" TEXT NOT NULL,
    "size" TEXT NOT NULL,
    "initialState" TEXT NOT NULL,
    "activationPeriod" TEXT,
    "expirationPeriod" TEXT,
    "namingScheme" TEXT NOT NULL,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "targetRevision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "KeyTemplate_vaultId_fkey" FOREIGN KEY ("vaultId") REFERENCES "Vault" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_KeyTemplate" ("activationPeriod", "algorithm", "archived", "createdAt", "description", "expirationPeriod", "id", "initialState", "name", "namingScheme", "size", "targetRevision", "updatedAt", "vaultId", "version") SELECT "activationPeriod", "algorithm", "archived", "createdAt", "description", "expirationPeriod", "id", "initialState", "name", "namingScheme", "size", "targetRevision", "updatedAt", "vaultId", "version" FROM "KeyTemplate";
DROP TABLE "KeyTemplate";
ALTER TABLE "new_KeyTemplate" RENAME TO "KeyTemplate";
CREATE UNIQUE INDEX "KeyTemplate_vaultId_name_key" ON "KeyTemplate"("vaultId", "name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "KeyTemplateTarget_keystoreType_idx" ON "KeyTemplateTarget"("keystoreType");

-- CreateIndex
CREATE UNIQUE INDEX "KeyTemplateTarget_templateId_keystoreType_keystoreGroup_key" ON "KeyTemplateTarget"("templateId", "keystoreType", "keystoreGroup");

-- CreateIndex
CREATE UNIQUE INDEX "KeyTemplateTarget_templateId_position_key" ON "KeyTemplateTarget"("templateId", "position");
