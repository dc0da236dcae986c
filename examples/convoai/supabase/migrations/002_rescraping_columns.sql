-- Re-scraping: remember when and how each source was last fetched.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS content_hash text;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS last_scraped_at timestamptz;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS scrape_status text NOT NULL DEFAULT 'ok';
ALTER TABLE chatbots ADD COLUMN IF NOT EXISTS rescrape_interval_hours integer NOT NULL DEFAULT 168;
ALTER TABLE chatbots ADD COLUMN IF NOT EXISTS last_rescraped_at timestamptz;

CREATE INDEX IF NOT EXISTS documents_rescrape_idx ON documents (last_scraped_at)
  WHERE source_url IS NOT NULL;
