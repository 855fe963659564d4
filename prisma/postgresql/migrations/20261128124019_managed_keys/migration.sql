-- CreateEnum
CREATE TYPE "KeyAlgorithm" AS ENUM ('AES', 'RSA', 'EC', 'HMAC');

-- CreateEnum
CREATE TYPE "KeyState" AS ENUM ('PRE_ACTIVATION', 'ACTIVE', 'DEACTIVATED', 'DESTROYED');

-- CreateEnum
CREATE TYPE "InstanceStatus" AS ENUM ('ACTIVE', 'NOT_ACTIVE', 'NOT_PRESENT', 'WRONG_KEY', 'ERROR', 'PENDING_DESTRUCTION');

-- CreateEnum
CREATE TYPE "SyncFlag" AS ENUM ('OK', 'OUT_OF_SYNC', 'ERROR');

-- CreateTable
CREATE TABLE "KeyTemplate" (
    "id" TEXT NOT NULL,
    "vaultId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "algorithm" "KeyAlgorithm" NOT NULL,
    "size" TEXT NOT NULL,
    "initialState" "KeyState" NOT NULL,
    "activationPeriod" TEXT,
    "expirationPeriod" TEXT,
    "namingScheme" TEXT NOT NULL,
    "keystoreType" TEXT NOT NULL,
    "keystoreGroup" TEXT NOT NULL,
    "options" TEXT NOT NULL DEFAULT '{}',
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "targetRevision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KeyTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ManagedKey" (
    "id" TEXT NOT NULL,
    "vaultId" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "state" "KeyState" NOT NULL,
    "algorithm" "KeyAlgorithm" NOT NULL,
    "size" TEXT NOT NULL,
    "nameInKeystores" TEXT NOT NULL,
    "keyVersion" INTEGER NOT NULL DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 1,
    "alignedRevision" INTEGER NOT NULL,
    "activationDate" TIMESTAMP(3),
    "expirationDate" TIMESTAMP(3),
    "activatedAt" TIMESTAMP(3),
    "deactivatedAt" TIMESTAMP(3),
    "destroyedAt" TIMESTAMP(3),
    "rotatedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ManagedKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ManagedKeyVersion" (
    "managedKeyId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "sealedMaterial" BYTEA NOT NULL,
    "verificationValue" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ManagedKeyVersion_pkey" PRIMARY KEY ("managedKeyId","number")
);

-- CreateTable
CREATE TABLE "KeyInstance" (
    "id" TEXT NOT NULL,
    "managedKeyId" TEXT NOT NULL,
    "keystoreId" TEXT,
    "keystoreName" TEXT NOT NULL,
    "targeted" BOOLEAN NOT NULL DEFAULT true,
    "keyVersion" INTEGER NOT NULL DEFAULT 1,
    "keyIdInKeystore" TEXT,
    "resourceName" TEXT,
    "status" "InstanceStatus" NOT NULL DEFAULT 'NOT_PRESENT',
    "syncFlag" "SyncFlag" NOT NULL DEFAULT 'OUT_OF_SYNC',
    "detail" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "pendingAction" TEXT,
    "pendingSince" TIMESTAMP(3),
    "deletionDate" TIMESTAMP(3),
    "checkedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KeyInstance_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "KeyTemplate" ADD CONSTRAINT "KeyTemplate_vaultId_fkey" FOREIGN KEY ("vaultId") REFERENCES "Vault"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ManagedKey" ADD CONSTRAINT "ManagedKey_vaultId_fkey" FOREIGN KEY ("vaultId") REFERENCES "Vault"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ManagedKey" ADD CONSTRAINT "ManagedKey_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "KeyTemplate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ManagedKeyVersion" ADD CONSTRAINT "ManagedKeyVersion_managedKeyId_fkey" FOREIGN KEY ("managedKeyId") REFERENCES "ManagedKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyInstance" ADD CONSTRAINT "KeyInstance_managedKeyId_fkey" FOREIGN KEY ("managedKeyId") REFERENCES "ManagedKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyInstance" ADD CONSTRAINT "KeyInstance_keystoreId_fkey" FOREIGN KEY ("keystoreId") REFERENCES "Keystore"("id") ON DELETE SET NULL ON UPDATE CASCADE;
