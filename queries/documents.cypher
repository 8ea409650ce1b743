MATCH (d:Document)
WHERE ($level IS NULL OR d.level CONTAINS $level)
  AND ($jurisdiction IS NULL OR d.jurisdiction = $jurisdiction)
RETURN d.doc_id AS document, d.title AS title, d.level AS level, d.jurisdiction AS jurisdiction,
       d.date AS date, COUNT { (d)-[:HAS_TASK]->(:Task) } AS tasks, coalesce(d.cited_documents, []) AS cites
ORDER BY document, d.id
LIMIT $limit
