CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, val REAL);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 80000)
INSERT INTO t SELECT i, (i * 7919) % 97, printf('name%05d', (i * 104729) % 60000), (i % 1000) / 7.0 FROM c;
CREATE INDEX t_grp ON t(grp, name);
SELECT grp, count(*), round(sum(val), 3), min(name), max(name) FROM t GROUP BY grp ORDER BY 3 DESC LIMIT 5;
SELECT count(*) FROM t a JOIN t b ON a.id = b.id + 1 WHERE a.grp = b.grp % 50;
SELECT substr(group_concat(name, ','), 1, 40) FROM (SELECT name FROM t WHERE name LIKE '%77%' ORDER BY name DESC);
UPDATE t SET val = val * 2 WHERE grp < 40;
DELETE FROM t WHERE id % 3 = 0;
SELECT count(*), round(avg(val), 4), sum(length(name)) FROM t;
