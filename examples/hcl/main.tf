# A runnable example: two connection configurations, one per deployment type, each with a
# rotating token; the reverse-proxy token is written to a file the local Protector reads.
#
#   protector provider install        # once: puts the provider in the local filesystem mirror
#   terraform init && terraform apply -var edgerc=~/.edgerc -var section=default
#
# Against the local emulator (`protector emulator --edgerc ./emulator.edgerc`, left running in
# another terminal), pass -var edgerc=./emulator.edgerc -var section=default.

terraform {
  required_version = ">= 1.10"
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

variable "token_file" {
  type        = string
  description = "Where the reverse-proxy Protector on this host reads its token from."
  default     = "/tmp/protector-example/token"
}

variable "token_generation" {
  type        = string
  description = "Change it to rotate the tokens at once."
  default     = "1"
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

resource "protector_token" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  rotation_period             = "90d"
  drain_timeout               = "10m"
  keepers = {
    generation = var.token_generation
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "protector_token_file" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  token_id                    = protector_token.edge.id
  path                        = var.token_file
}

resource "protector_token" "cluster" {
  connection_configuration_id = protector_connection_configuration.cluster.id
  rotation_period             = "180d"
  keepers = {
    generation = var.token_generation
  }

  lifecycle {
    create_before_destroy = true
  }
}

data "protector_instances" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
}

output "edge_configuration_id" {
  value = protector_connection_configuration.edge.id
}

output "cluster_configuration_id" {
  value = protector_connection_configuration.cluster.id
}

output "edge_token_fingerprint" {
  value = protector_token.edge.fingerprint
}

output "edge_token_rotate_after" {
  value = protector_token.edge.rotate_after
}

# The cluster token's value, read whenever a plan or an apply needs it and stored nowhere. Feed it
# to a write-only attribute (Terraform >= 1.11), for example with the hashicorp/kubernetes provider:
#
#   resource "kubernetes_secret_v1" "protector" {
#     metadata {
#       name      = "protector-token"
#       namespace = "protector"
#     }
#     data_wo          = { token = ephemeral.protector_token_value.cluster.value }
#     data_wo_revision = parseint(substr(sha256(protector_token.cluster.fingerprint), 0, 12), 16) + 1
#   }
ephemeral "protector_token_value" "cluster" {
  connection_configuration_id = protector_token.cluster.connection_configuration_id
  token_id                    = protector_token.cluster.id
}

output "cluster_token_fingerprint" {
  value = protector_token.cluster.fingerprint
}

output "edge_instances" {
  value = { for instance in data.protector_instances.edge.instances : instance.id => instance.token_fingerprint }
}
