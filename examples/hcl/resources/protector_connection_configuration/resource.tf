# A reverse-proxy configuration: the Protector forwards traffic to the target.
resource "protector_connection_configuration" "edge" {
  name            = "checkout-edge"
  description     = "Reverse-proxy Protectors in front of the checkout service."
  deployment_type = "reverse_proxy"
  contract_id     = "ctr_1-ABCDE"
  group_id        = "grp_12345"

  target {
    host     = "origin.checkout.example.com"
    ports    = [443]
    protocol = "https"
  }
}

# A Kubernetes configuration takes no target block.
resource "protector_connection_configuration" "cluster" {
  name            = "checkout-cluster"
  deployment_type = "kubernetes"
  contract_id     = "ctr_1-ABCDE"
  group_id        = "grp_12345"
}
