CREATE UNIQUE INDEX `secrets_to_sessions_session_id_secret_id_unique` ON `secrets_to_sessions` (`session_id`,`secret_id`);
