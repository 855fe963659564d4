-- DropIndex
DROP INDEX "Keystore_name_key";

-- DropIndex
DROP INDEX "Keystore_vaultId_idx";

-- CreateIndex
CREATE UNIQUE INDEX "Keystore_vaultId_name_key" ON "Keystore"("vaultId", "name");
