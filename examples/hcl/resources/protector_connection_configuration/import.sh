# Import by the connection configuration id.
terraform import protector_connection_configuration.edge ccfg_8h2k4m9x1q
