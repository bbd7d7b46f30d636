/** The plan as the commands print it under --dry-run. */
import { stringify as yamlStringify } from 'yaml';

export function printPlan(plan: Record<string, unknown>): void {
  process.stdout.write(yamlStringify(plan, { lineWidth: 0 }));
}
