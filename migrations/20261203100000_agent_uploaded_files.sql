-- Agents share files too. `visitor_id` is the visitor of the conversation the file was
-- shared in (who may download it, whoever sent it); `agent_id` is set when an agent sent
-- it and is null for a visitor's upload.

ALTER TABLE uploaded_files
    ADD COLUMN agent_id uuid REFERENCES agents (id) ON DELETE SET NULL;
