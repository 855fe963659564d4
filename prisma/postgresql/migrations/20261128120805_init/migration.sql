-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "KeystoreHealth" AS ENUM ('OK', 'NOT_RESPONDING', 'CONFIGURATION_ERROR', 'PENDING_CHECK');

-- CreateTable
CREATE TABLE "Vault" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Vault_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Keystore" (
    "id" TEXT NOT NULL,
    "vaultId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "type" TEXT NOT NULL,
    "remoteIdentity" TEXT NOT NULL,
    "properties" TEXT NOT NULL,
    "sealedSecrets" BYTEA,
    "secretNames" TEXT NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL DEFAULT 1,
    "health" "KeystoreHealth" NOT NULL DEFAULT 'PENDING_CHECK',
    "statusMessage" TEXT NOT NULL DEFAULT 'Not checked yet',
    "lastHeartbeat" TIMESTAMP(3),
    "checkedAt" TIMESTAMP(3),
    "lastTest" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Keystore_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KeystoreGroup" (
    "keystoreId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "KeystoreGroup_pkey" PRIMARY KEY ("keystoreId","name")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
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

-- AddForeignKey
ALTER TABLE "Keystore" ADD CONSTRAINT "Keystore_vaultId_fkey" FOREIGN KEY ("vaultId") REFERENCES "Vault"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeystoreGroup" ADD CONSTRAINT "KeystoreGroup_keystoreId_fkey" FOREIGN KEY ("keystoreId") REFERENCES "Keystore"("id") ON DELETE CASCADE ON UPDATE CASCADE;
