import { readFileSync } from "node:fs";
import ts from "typescript";

const SUITE = new Set(["describe", "suite"]);
const TEST = new Set(["it", "test"]);

/**
 * How many tests of these files are skipped when Redis is absent, read from their syntax before any of them
 * runs (so that the one line printed at the top can say it): a test given `redisOnly` counts one, a suite
 * given `redisOnly` counts its tests, and a `beforeEach(skipIfRedisAbsent(…))` counts the tests of its suite
 * (once: the Redis run of a suite repeated per queue backend).
 */
export function countRedisOnlyTests(files: string[]): number {
  let count = 0;
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const api = apiName(node.expression);
        if ((SUITE.has(api) || TEST.has(api)) && node.arguments.some((a) => ts.isIdentifier(a) && a.text === "redisOnly")) {
          count += TEST.has(api) ? 1 : countTests(node);
          return;
        }
        if (api === "beforeEach" && node.arguments.some((a) => ts.isCallExpression(a) && apiName(a.expression) === "skipIfRedisAbsent")) {
          const suite = enclosingSuite(node);
          if (suite) count += countTests(suite);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return count;
}

/** `describe`, `describe.each(…)`, `it.skipIf(…)`, … → "describe", "describe", "it". */
function apiName(callee: ts.Expression): string {
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return apiName(callee.expression);
  if (ts.isCallExpression(callee)) return apiName(callee.expression);
  return "";
}

function countTests(node: ts.Node): number {
  let count = 0;
  const visit = (child: ts.Node): void => {
    // `it.skipIf(c)(…)` is one test: the inner call `it.skipIf(c)` is only its callee.
    const callee = ts.isCallExpression(child.parent) && child.parent.expression === child;
    if (ts.isCallExpression(child) && TEST.has(apiName(child.expression)) && !callee) count += 1;
    ts.forEachChild(child, visit);
  };
  ts.forEachChild(node, visit);
  return count;
}

function enclosingSuite(node: ts.Node): ts.CallExpression | undefined {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (ts.isCallExpression(parent) && SUITE.has(apiName(parent.expression))) return parent;
  }
  return undefined;
}
