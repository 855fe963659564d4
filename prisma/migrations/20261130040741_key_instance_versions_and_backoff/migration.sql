-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_KeyInstance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "managedKeyId" TEXT NOT NULL,
    "keystoreId" TEXT,
    "keystoreName" TEXT NOT NULL,
    "targeted" BOOLEAN NOT NULL DEFAULT true,
    "keyVersion" INTEGER NOT NULL DEFAULT 1,
    "keyIdInKeystore" TEXT,
    "resourceName" TEXT,
    "replacedKeyIds" TEXT NOT NULL DEFAULT '[]',
    "materialVersion" TEXT,
    "status" TEXT NOT NULL DEFAULT 'NOT_PRESENT',
    "syncFlag" TEXT NOT NULL DEFAULT 'OUT_OF_SYNC',
    "detail" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "pendingAction" TEXT,
    "pendingSince" DATETIME,
    "failedAttempts" INTEGER NOT NULL DEFAULT 0,
    "retryAfter" DATETIME,
    "deletionDate" DATETIME,
    "checkedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "KeyInstance_managedKeyId_fkey" FOREIGN KEY ("managedKeyId") REFERENCES "ManagedKey" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "KeyInstance_keystoreId_fkey" FOREIGN KEY ("keystoreId") REFERENCES "Keystore" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_KeyInstance" ("checkedAt", "deletionDate", "detail", "error", "id", "keyIdInKeystore", "keyVersion", "keystoreId", "keystoreName", "managedKeyId", "pendingAction", "pendingSince", "replacedKeyIds", "resourceName", "status", "syncFlag", "targeted", "updatedAt") SELECT "checkedAt", "deletionDate", "detail", "error", "id", "keyIdInKeystore", "keyVersion", "keystoreId", "keystoreName", "managedKeyId", "pendingAction", "pendingSince", "replacedKeyIds", "resourceName", "status", "syncFlag", "targeted", "updatedAt" FROM "KeyInstance";
DROP TABLE "KeyInstance";
ALTER TABLE "new_KeyInstance" RENAME TO "KeyInstance";
CREATE INDEX "KeyInstance_keystoreId_idx" ON "KeyInstance"("keystoreId");
CREATE INDEX "KeyInstance_pendingAction_idx" ON "KeyInstance"("pendingAction");
CREATE UNIQUE INDEX "KeyInstance_managedKeyId_keystoreId_key" ON "KeyInstance"("managedKeyId", "keystoreId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
