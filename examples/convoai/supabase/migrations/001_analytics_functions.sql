-- Daily conversation and message counts per chatbot, for the analytics dashboard.
CREATE OR REPLACE FUNCTION chatbot_daily_stats(p_chatbot_id uuid, p_days integer DEFAULT 30)
RETURNS TABLE (day date, conversations bigint, messages bigint)
LANGUAGE sql STABLE
AS $$
  WITH days AS (
    SELECT generate_series(current_date - (p_days - 1), current_date, interval '1 day')::date AS day
  )
  SELECT days.day,
         (SELECT count(*) FROM conversations c
           WHERE c.chatbot_id = p_chatbot_id AND c.started_at::date = days.day),
         (SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
           WHERE c.chatbot_id = p_chatbot_id AND m.created_at::date = days.day)
  FROM days
  ORDER BY days.day;
$$;

CREATE OR REPLACE FUNCTION organization_usage(p_organization_id uuid)
RETURNS TABLE (chatbots bigint, documents bigint, messages_this_month bigint)
LANGUAGE sql STABLE
AS $$
  SELECT
    (SELECT count(*) FROM chatbots b WHERE b.organization_id = p_organization_id),
    (SELECT count(*) FROM documents d JOIN chatbots b ON b.id = d.chatbot_id
      WHERE b.organization_id = p_organization_id),
    (SELECT count(*) FROM messages m
      JOIN conversations c ON c.id = m.conversation_id
      JOIN chatbots b ON b.id = c.chatbot_id
      WHERE b.organization_id = p_organization_id
        AND m.created_at >= date_trunc('month', now()));
$$;
