-- CreateTable
CREATE TABLE "KeyTemplate" (
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
    "keystoreType" TEXT NOT NULL,
    "keystoreGroup" TEXT NOT NULL,
    "options" TEXT NOT NULL DEFAULT '{}',
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "targetRevision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "KeyTemplate_vaultId_fkey" FOREIGN KEY ("vaultId") REFERENCES "Vault" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ManagedKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "vaultId" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "state" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL,
    "size" TEXT NOT NULL,
    "nameInKeystores" TEXT NOT NULL,
    "keyVersion" INTEGER NOT NULL DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 1,
    "alignedRevision" INTEGER NOT NULL,
    "activationDate" DATETIME,
    "expirationDate" DATETIME,
    "activatedAt" DATETIME,
    "deactivatedAt" DATETIME,
    "destroyedAt" DATETIME,
    "rotatedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ManagedKey_vaultId_fkey" FOREIGN KEY ("vaultId") REFERENCES "Vault" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ManagedKey_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "KeyTemplate" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ManagedKeyVersion" (
    "managedKeyId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "sealedMaterial" BLOB NOT NULL,
    "verificationValue" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("managedKeyId", "number"),
    CONSTRAINT "ManagedKeyVersion_managedKeyId_fkey" FOREIGN KEY ("managedKeyId") REFERENCES "ManagedKey" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "KeyInstance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "managedKeyId" TEXT NOT NULL,
    "keystoreId" TEXT,
    "keystoreName" TEXT NOT NULL,
    "targeted" BOOLEAN NOT NULL DEFAULT true,
    "keyVersion" INTEGER NOT NULL DEFAULT 1,
    "keyIdInKeystore" TEXT,
    "resourceName" TEXT,
    "status" TEXT NOT NULL DEFAULT 'NOT_PRESENT',
    "syncFlag" TEXT NOT NULL DEFAULT 'OUT_OF_SYNC',
    "detail" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "pendingAction" TEXT,
    "pendingSince" DATETIME,
    "deletionDate" DATETIME,
    "checkedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "KeyInstance_managedKeyId_fkey" FOREIGN KEY ("managedKeyId") REFERENCES "ManagedKey" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "KeyInstance_keystoreId_fkey" FOREIGN KEY ("keystoreId") REFERENCES "Keystore" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "KeyTemplate_keystoreType_idx" ON "KeyTemplate"("keystoreType");

-- CreateIndex
CREATE UNIQUE INDEX "KeyTemplate_vaultId_name_key" ON "KeyTemplate"("vaultId", "name");

-- CreateIndex
CREATE INDEX "ManagedKey_vaultId_state_idx" ON "ManagedKey"("vaultId", "state");

-- CreateIndex
CREATE INDEX "ManagedKey_templateId_idx" ON "ManagedKey"("templateId");

-- CreateIndex
CREATE UNIQUE INDEX "ManagedKey_vaultId_label_key" ON "ManagedKey"("vaultId", "label");

-- CreateIndex
CREATE INDEX "KeyInstance_keystoreId_idx" ON "KeyInstance"("keystoreId");

-- CreateIndex
CREATE INDEX "KeyInstance_pendingAction_idx" ON "KeyInstance"("pendingAction");

-- CreateIndex
CREATE UNIQUE INDEX "KeyInstance_managedKeyId_keystoreId_key" ON "KeyInstance"("managedKeyId", "keystoreId");
