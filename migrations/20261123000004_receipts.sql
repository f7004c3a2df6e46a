-- Delivery and read receipts: how far each side has received and read a conversation.
-- Cumulative: "seq N read" means every message up to N is read. Agents count as one side.

ALTER TABLE conversations
    ADD COLUMN visitor_delivered_seq bigint NOT NULL DEFAULT 0,
    ADD COLUMN visitor_read_seq      bigint NOT NULL DEFAULT 0,
    ADD COLUMN agent_delivered_seq   bigint NOT NULL DEFAULT 0,
    ADD COLUMN agent_read_seq        bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT conversations_receipts_within_seq CHECK (
        visitor_read_seq <= visitor_delivered_seq AND visitor_delivered_seq <= last_seq
        AND agent_read_seq <= agent_delivered_seq AND agent_delivered_seq <= last_seq);
