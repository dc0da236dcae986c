-- Knowledge base: hand-written Q&A entries alongside scraped documents.
CREATE TABLE IF NOT EXISTS knowledge_base_entries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  chatbot_id uuid NOT NULL REFERENCES chatbots(id) ON DELETE CASCADE,
  question text NOT NULL,
  answer text NOT NULL,
  embedding vector(1536),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS kb_entries_chatbot_idx ON knowledge_base_entries (chatbot_id);

CREATE OR REPLACE FUNCTION match_knowledge_base(
  query_embedding vector(1536),
  match_chatbot_id uuid,
  match_count integer DEFAULT 3
)
RETURNS TABLE (id uuid, question text, answer text, similarity double precision)
LANGUAGE sql STABLE
AS $$
  SELECT k.id, k.question, k.answer, 1 - (k.embedding <=> query_embedding) AS similarity
  FROM knowledge_base_entries k
  WHERE k.chatbot_id = match_chatbot_id AND k.enabled AND k.embedding IS NOT NULL
  ORDER BY k.embedding <=> query_embedding
  LIMIT match_count;
$$;
