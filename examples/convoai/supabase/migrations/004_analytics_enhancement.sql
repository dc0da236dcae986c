-- Analytics enhancement: answer feedback and a per-chatbot satisfaction rate.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS feedback smallint
  CHECK (feedback IS NULL OR feedback IN (-1, 1));
ALTER TABLE messages ADD COLUMN IF NOT EXISTS response_ms integer;

CREATE OR REPLACE FUNCTION chatbot_satisfaction(p_chatbot_id uuid, p_days integer DEFAULT 30)
RETURNS TABLE (rated bigint, positive bigint, rate numeric, avg_response_ms numeric)
LANGUAGE sql STABLE
AS $$
  SELECT count(m.feedback),
         count(*) FILTER (WHERE m.feedback = 1),
         round(count(*) FILTER (WHERE m.feedback = 1)::numeric / NULLIF(count(m.feedback), 0), 3),
         round(avg(m.response_ms)::numeric, 1)
  FROM messages m
  JOIN conversations c ON c.id = m.conversation_id
  WHERE c.chatbot_id = p_chatbot_id
    AND m.role = 'assistant'
    AND m.created_at >= now() - make_interval(days => p_days);
$$;
