# Terraform >= 1.11: the token reaches the Secret through a write-only attribute, so neither the
# state nor a plan file holds it.
ephemeral "protector_token_value" "edge" {
  connection_configuration_id = protector_token.edge.connection_configuration_id
  token_id                    = protector_token.edge.id
}

resource "kubernetes_secret_v1" "protector" {
  metadata {
    name      = "protector-token"
    namespace = "protector"
  }
  data_wo = { token = ephemeral.protector_token_value.edge.value }
  # Write-only data is sent again only when the revision changes: derive it from the fingerprint
  # so that it changes with every token.
  data_wo_revision = parseint(substr(sha256(protector_token.edge.fingerprint), 0, 12), 16) + 1
}
