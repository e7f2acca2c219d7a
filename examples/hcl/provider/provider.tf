terraform {
  required_providers {
    protector = {
      source = "protector-iac/protector"
    }
  }
}

# Every argument is optional: without them the provider reads the [default] section of
# ~/.edgerc, or the AKAMAI_HOST, AKAMAI_CLIENT_TOKEN, AKAMAI_CLIENT_SECRET and
# AKAMAI_ACCESS_TOKEN environment variables.
provider "protector" {
  edgerc          = "~/.edgerc"
  section         = "default"
  request_timeout = "30s"
  max_retries     = 5
}
