/**
 * Reasons an injection can fail. Code branches on `code`, never on message text.
 */
export const ProblemCode = {
  InvalidPod: 'InvalidPod',
  UnknownTemplate: 'UnknownTemplate',
  UnknownParameter: 'UnknownParameter',
  MissingParameter: 'MissingParameter',
  InvalidParameter: 'InvalidParameter',
  NameConflict: 'NameConflict',
  VolumeConflict: 'VolumeConflict',
  MountConflict: 'MountConflict',
  PortConflict: 'PortConflict',
  TemplateConflict: 'TemplateConflict',
  PolicyViolation: 'PolicyViolation',
  PodSecurity: 'PodSecurity',
} as const;
export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

/** One reason to deny a Pod, with a message that names the value and the fix. */
export interface Problem {
  readonly code: ProblemCode;
  readonly message: string;
  /** Template the problem belongs to, when there is one. */
  readonly template?: string;
}

/** Joins the messages of all problems of one Pod into one admission message. */
export function formatProblems(problems: readonly Problem[]): string {
  if (problems.length === 1) {
    return problems[0]!.message;
  }
  return problems.map((problem, index) => `(${index + 1}) ${problem.message}`).join('; ');
}
