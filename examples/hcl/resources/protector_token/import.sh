# Import an active token by CONFIG_ID/TOKEN_ID (data source protector_tokens lists them).
terraform import protector_token.edge ccfg_8h2k4m9x1q/tok_3n5p7r9t2v
