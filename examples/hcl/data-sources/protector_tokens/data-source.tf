data "protector_tokens" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
}

# Fingerprints only: a token value never passes through this data source.
output "active_token_fingerprints" {
  value = data.protector_tokens.edge.active[*].fingerprint
}

output "last_revoke_reasons" {
  value = { for token in data.protector_tokens.edge.revoked : token.id => token.revoke_reason }
}
