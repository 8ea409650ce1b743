// Function x level pivot of distinct tasks (count ignores the nulls of CASE); the label is looked up once
// per function after counting.
MATCH (item)-[:LEAD|SUPPORT]->(d:Department)
WHERE d.function IS NOT NULL
  AND ($function IS NULL OR d.function = $function)
  AND ($document IS NULL OR item.doc_id = $document)
WITH d.function AS function,
     count(DISTINCT CASE WHEN d.level = 'national' THEN item END) AS national,
     count(DISTINCT CASE WHEN d.level = 'provincial' THEN item END) AS provincial,
     count(DISTINCT CASE WHEN d.level = 'municipal' THEN item END) AS municipal,
     count(DISTINCT CASE WHEN d.level = 'county' THEN item END) AS county,
     count(DISTINCT CASE WHEN d.level = 'institution' THEN item END) AS institution,
     count(DISTINCT item) AS total
OPTIONAL MATCH (f:Function {code: function})
WITH function, min(f.label_zh) AS label, national, provincial, municipal, county, institution, total
RETURN function, label, national, provincial, municipal, county, institution, total
ORDER BY total DESC, function
