resource "protector_token" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id

  # Due 90 days after creation: `terraform plan` then proposes the rotation.
  rotation_period = "90d"

  # Change any value to rotate at once (for example after a suspected leak).
  keepers = {
    generation = "1"
  }

  # Revoking the old token waits until every recently seen instance uses the new one.
  drain_timeout = "15m"

  lifecycle {
    # Required for rotation: new token first, dependents updated, old token revoked last.
    create_before_destroy = true
  }
}
