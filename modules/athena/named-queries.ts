import { AthenaNamedQuery } from "@cdktf/provider-aws/lib/athena-named-query";
import { Construct } from "constructs";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { GlueCatalogDatabase } from "../glue/glue_catalog_database/glue-catalog-database";
import { MetricCareValidationError } from "../shared/errors";
import type { AthenaWorkgroup } from "./athena-workgroup";

/** Props for {@link NamedQueries}. */
export interface NamedQueriesProps {
  /** Folder of `<name>.sql` files: each starts with a `-- <description>` line, then one SELECT statement. */
  readonly directory: string;
  /** Database the queries' unqualified table names refer to. */
  readonly database: GlueCatalogDatabase;
  /** Workgroup the queries are saved in. */
  readonly workgroup: AthenaWorkgroup;
}

/** One query file, read and checked. */
export interface NamedQuerySource {
  /** File name without `.sql`: the named query's name. */
  readonly name: string;
  /** The first line's text after `-- `. */
  readonly description: string;
  /** The statement, without the description line. */
  readonly sql: string;
}

/** Reads every `.sql` file of `directory`, in name order; a file that breaks the rules fails with its name and the rule. */
export function readNamedQueries(directory: string): NamedQuerySource[] {
  const owner = `NamedQueries "${directory}"`;
  const files = readdirSync(directory)
    .filter((file) => file.endsWith(".sql"))
    .sort();
  if (files.length === 0) throw new MetricCareValidationError(owner, "the folder must hold at least one .sql file, found none.");
  return files.map((file) => {
    const [first = "", ...rest] = readFileSync(join(directory, file), "utf8").split("\n");
    const description = /^-- (.+)$/.exec(first)?.[1]?.trim();
    if (!description)
      throw new MetricCareValidationError(owner, `${file} must start with a "-- <description>" line, got ${JSON.stringify(first)}.`);
    const sql = rest.join("\n").trim();
    // Athena saves one statement per named query; Spark's sql() runs one too (the tests run each file).
    if (!/^(SELECT|WITH)\b/i.test(sql) || sql.includes(";")) {
      throw new MetricCareValidationError(owner, `${file} must hold one SELECT (or WITH ... SELECT) statement without ";".`);
    }
    return { name: file.slice(0, -".sql".length), description, sql };
  });
}

/** One Athena named query per SQL file of a folder, saved in a workgroup against a database. */
export class NamedQueries extends Construct {
  /** The named queries, by file name. */
  public readonly queries: Readonly<Record<string, AthenaNamedQuery>>;

  public constructor(scope: Construct, id: string, props: NamedQueriesProps) {
    super(scope, id);
    this.queries = Object.fromEntries(
      readNamedQueries(props.directory).map((query) => [
        query.name,
        new AthenaNamedQuery(this, query.name, {
          name: query.name,
          description: query.description,
          query: query.sql,
          database: props.database.databaseName,
          workgroup: props.workgroup.workgroupName,
        }),
      ]),
    );
  }
}
