# The Protector on this host reads its token from /etc/protector/token.
resource "protector_token_file" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  token_id                    = protector_token.edge.id
  path                        = "/etc/protector/token"
  file_permission             = "0600"
}
