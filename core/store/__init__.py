"""The database: the one Store, its migrations, schema check and writer claim, its records and values."""
