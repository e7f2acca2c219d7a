# Reverse-proxy Protectors on AWS: the connection configuration's rotating token is registered in
# an AWS Secrets Manager secret, where the Protector VMs read it (Akamai's AWS deployment steps
# provision the token there). The equivalent of AwsSecretsManagerTarget, in plain HCL.
#
#   protector provider install        # once: puts the protector provider in the local mirror
#   terraform init && terraform apply -var edgerc=~/.edgerc -var aws_region=eu-west-1
#
# The token goes into the secret through `secret_string_wo`, a write-only attribute (Terraform
# >= 1.11, hashicorp/aws >= 5.100), fed by the ephemeral protector_token_value: no state or plan
# file holds it. Every new token
# makes a new secret version (AWSCURRENT), because `secret_string_wo_version` is derived from the
# token fingerprint. The VMs need secretsmanager:GetSecretValue on the secret (and kms:Decrypt on
# var.kms_key_id when set): see docs/aws-secrets-manager.md.

terraform {
  required_version = ">= 1.11"
  required_providers {
    protector = {
      source = "protector-iac/protector"
    }
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0"
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

variable "aws_region" {
  type        = string
  description = "The region of the secret (and of the Protector VMs that read it)."
  default     = "eu-west-1"
}

variable "secretsmanager_endpoint" {
  type        = string
  description = "Another Secrets Manager endpoint, e.g. a VPC endpoint URL or a local one for tests. Null: the regional AWS endpoint."
  default     = null
}

variable "secret_name" {
  type    = string
  default = "protector/edge/token"
}

variable "kms_key_id" {
  type        = string
  description = "A customer managed KMS key for the secret (id, ARN or alias). Null: the AWS managed key aws/secretsmanager."
  default     = null
}

variable "rotation_period" {
  type        = string
  description = "How often the token is rotated; 182d or less is recommended."
  default     = "90d"
}

variable "drain_timeout" {
  type        = string
  description = "How long to wait for every VM to re-read the secret before the old token is revoked."
  default     = "15m"
}

variable "token_generation" {
  type        = string
  description = "Change it to rotate the token now."
  default     = "1"
}

provider "protector" {
  edgerc  = var.edgerc
  section = var.section
}

provider "aws" {
  region = var.aws_region

  # A local endpoint has no STS or instance metadata next to it: skip those checks there only.
  skip_credentials_validation = var.secretsmanager_endpoint != null
  skip_requesting_account_id  = var.secretsmanager_endpoint != null
  skip_metadata_api_check     = var.secretsmanager_endpoint != null

  endpoints {
    secretsmanager = var.secretsmanager_endpoint
  }
}

resource "protector_connection_configuration" "edge" {
  name            = "edge-aws"
  description     = "Reverse-proxy Protectors on EC2 in front of the checkout origin."
  deployment_type = "reverse_proxy"
  contract_id     = "ctr_1-ABCDE"
  group_id        = "grp_12345"

  target {
    host     = "origin.checkout.example.com"
    ports    = [443]
    protocol = "https"
  }
}

resource "protector_token" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  rotation_period             = var.rotation_period
  drain_timeout               = var.drain_timeout
  keepers                     = { generation = var.token_generation }

  # The new token must exist, and be in the secret, before the old one is revoked.
  lifecycle {
    create_before_destroy = true
  }
}

# The token value, read from the API whenever a plan or an apply needs it and stored nowhere:
# Terraform accepts it only in write-only attributes such as secret_string_wo.
ephemeral "protector_token_value" "edge" {
  connection_configuration_id = protector_token.edge.connection_configuration_id
  token_id                    = protector_token.edge.id
}

resource "aws_secretsmanager_secret" "token" {
  name        = var.secret_name
  description = "App & API Protector Hybrid token of edge-aws, rotated by Terraform."
  kms_key_id  = var.kms_key_id
  tags        = { "protector:connection" = "edge-aws" }
}

resource "aws_secretsmanager_secret_version" "token" {
  secret_id = aws_secretsmanager_secret.token.arn

  # Write-only: sent to Secrets Manager, never stored in state or a plan file.
  secret_string_wo = ephemeral.protector_token_value.edge.value
  # The aws provider sends a write-only value only when this number changes: derive it from the
  # fingerprint (a hash of the value), so every new token makes a new secret version.
  secret_string_wo_version = parseint(substr(sha256(protector_token.edge.fingerprint), 0, 12), 16) + 1
}

output "configuration_id" {
  value = protector_connection_configuration.edge.id
}

output "token_id" {
  value = protector_token.edge.id
}

output "fingerprint" {
  value = protector_token.edge.fingerprint
}

output "rotate_after" {
  value = protector_token.edge.rotate_after
}

output "secret_arn" {
  value = aws_secretsmanager_secret.token.arn
}

output "secret_version_id" {
  value = aws_secretsmanager_secret_version.token.version_id
}
