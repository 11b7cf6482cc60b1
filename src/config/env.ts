// `${NAME}` in any string value is replaced from the environment, so secrets (the
// database password) never have to be written into the YAML files. `$${NAME}` is a
// literal `${NAME}`.
import { isMap, isPair, isScalar, isSeq, parse as parseYaml, type Scalar } from 'yaml';
import type { YamlPath } from './errors.js';
import type { IssueSink, YamlSource } from './yaml-source.js';

const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Replaces references in place in the document's scalars; problems go to `sink`. */
export function substituteEnv(source: YamlSource, env: NodeJS.ProcessEnv, sink: IssueSink): void {
  walk(source.doc.contents, [], env, sink);
}

function walk(node: unknown, path: YamlPath, env: NodeJS.ProcessEnv, sink: IssueSink): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      walk(pair.value, [...path, String(pair.key.value)], env, sink);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => walk(item, [...path, i], env, sink));
  } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${')) {
    substituteScalar(node, path, env, sink);
  }
}

function substituteScalar(node: Scalar, path: YamlPath, env: NodeJS.ProcessEnv, sink: IssueSink): void {
  const text = node.value as string;
  const replaced = text.replace(REFERENCE, (whole: string, escaped: string, name: string) => {
    if (escaped) return whole.slice(1);
    if (!VALID_NAME.test(name)) {
      sink.add(path, `\${${name}} is not a valid environment variable name`);
      return whole;
    }
    const value = env[name];
    if (value === undefined) {
      sink.add(path, `environment variable ${name} is not set`);
      return whole;
    }
    return value;
  });
  node.value = node.type === 'PLAIN' ? retype(replaced) : replaced;
}

/**
 * An unquoted `port: ${WEB_PORT}` should become the number 8080, as if it had been written
 * there; a quoted value stays a string. Only numbers and booleans are retyped, so a value
 * containing YAML syntax can never inject structure.
 */
function retype(text: string): unknown {
  try {
    const value: unknown = parseYaml(text);
    return typeof value === 'number' || typeof value === 'boolean' ? value : text;
  } catch {
    return text;
  }
}
