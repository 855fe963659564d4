-- CreateTable
CREATE TABLE "Vault" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Keystore" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "vaultId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "type" TEXT NOT NULL,
    "remoteIdentity" TEXT NOT NULL,
    "properties" TEXT NOT NULL,
    "sealedSecrets" BLOB,
    "secretNames" TEXT NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL DEFAULT 1,
    "health" TEXT NOT NULL DEFAULT 'PENDING_CHECK',
    "statusMessage" TEXT NOT NULL DEFAULT 'Not checked yet',
    "lastHeartbeat" DATETIME,
    "checkedAt" DATETIME,
    "lastTest" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Keystore_vaultId_fkey" FOREIGN KEY ("vaultId") REFERENCES "Vault" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "KeystoreGroup" (
    "keystoreId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    PRIMARY KEY ("keystoreId", "name"),
    CONSTRAINT "KeystoreGroup_keystoreId_fkey" FOREIGN KEY ("keystoreId") REFERENCES "Keystore" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "Vault_name_idx" ON "Vault"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Keystore_name_key" ON "Keystore"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Keystore_remoteIdentity_key" ON "Keystore"("remoteIdentity");

-- CreateIndex
CREATE INDEX "Keystore_vaultId_idx" ON "Keystore"("vaultId");

-- CreateIndex
CREATE INDEX "Keystore_type_idx" ON "Keystore"("type");

-- CreateIndex
CREATE INDEX "Keystore_health_idx" ON "Keystore"("health");

-- CreateIndex
CREATE INDEX "KeystoreGroup_name_idx" ON "KeystoreGroup"("name");
