# A runnable example: two connection configurations, one per deployment type.
#
#   protector provider install        # once: puts the provider in the local filesystem mirror
#   terraform init && terraform apply -var edgerc=~/.edgerc -var section=default
#
# Against the local emulator (`protector emulator --edgerc ./emulator.edgerc`), pass
# -var edgerc=./emulator.edgerc -var section=default.

terraform {
  required_version = ">= 1.5"
  required_providers {
    protector = {
      source = "protector-iac/protector"
    }
  }
}

variable "edgerc" {
  type        = string
  description = "Path to the .edgerc file with the EdgeGrid credentials."
  default     = "~/.edgerc"
}

variable "section" {
  type        = string
  description = "Section of the .edgerc file to use."
  default     = "default"
}

variable "contract_id" {
  type    = string
  default = "ctr_1-ABCDE"
}

variable "group_id" {
  type    = string
  default = "grp_12345"
}

provider "protector" {
  edgerc  = var.edgerc
  section = var.section
}

resource "protector_connection_configuration" "edge" {
  name            = "checkout-edge"
  description     = "Reverse-proxy Protectors in front of the checkout service."
  deployment_type = "reverse_proxy"
  contract_id     = var.contract_id
  group_id        = var.group_id

  target {
    host     = "origin.checkout.example.com"
    ports    = [443, 8443]
    protocol = "https"
  }
}

resource "protector_connection_configuration" "cluster" {
  name            = "checkout-cluster"
  description     = "Protectors running as a DaemonSet in the checkout cluster."
  deployment_type = "kubernetes"
  contract_id     = var.contract_id
  group_id        = var.group_id
}

output "edge_configuration_id" {
  value = protector_connection_configuration.edge.id
}

output "cluster_configuration_id" {
  value = protector_connection_configuration.cluster.id
}
