// Function x level pivot of distinct tasks, from the function summaries every document write keeps (per document
// and function: the distinct items naming a department of that function at each level, and at any level); the
// label is looked up once per function after counting.
MATCH (s:FunctionSummary)
WHERE ($function IS NULL OR s.function = $function)
  AND ($document IS NULL OR s.doc_id = $document)
WITH s.function AS function,
     sum(coalesce(s.national, 0)) AS national, sum(coalesce(s.provincial, 0)) AS provincial,
     sum(coalesce(s.municipal, 0)) AS municipal, sum(coalesce(s.county, 0)) AS county,
     sum(coalesce(s.institution, 0)) AS institution, sum(s.items) AS total
OPTIONAL MATCH (f:Function {code: function})
WITH function, min(f.label_zh) AS label, national, provincial, municipal, county, institution, total
RETURN function, label, national, provincial, municipal, county, institution, total
ORDER BY total DESC, function
