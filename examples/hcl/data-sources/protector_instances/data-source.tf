data "protector_instances" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
}

# Which token each instance authenticates with: after a rotation, all should show the new one.
output "instances_by_token" {
  value = {
    for instance in data.protector_instances.edge.instances : instance.id => instance.token_fingerprint
  }
}
