import { ProblemCode, type Problem } from '../problems.js';
import type { JsonObject } from '../templates/types.js';
import { jsonEqual, objectsAt, stringAt } from './pod.js';
import type { ResolvedTemplate } from './resolve.js';

/** A volume to add and the template that adds it. */
export interface TemplateVolume {
  readonly template: string;
  readonly volume: JsonObject;
}

/**
 * Chooses the volumes to add. A volume already present in exactly the same form,
 * in the Pod or from an earlier template, is shared instead of added twice; a
 * different volume of the same name is a conflict.
 */
export function mergeVolumes(spec: JsonObject, templates: readonly ResolvedTemplate[], problems: Problem[]): TemplateVolume[] {
  const existing = new Map(objectsAt(spec, 'volumes').map((volume) => [stringAt(volume, 'name'), volume]));
  const added = new Map<string, { template: string; volume: JsonObject }>();
  for (const resolved of templates) {
    const template = resolved.template.name;
    for (const volume of resolved.volumes) {
      const name = String(volume.name);
      const inPod = existing.get(name);
      const earlier = added.get(name);
      if (inPod !== undefined) {
        if (!jsonEqual(inPod, volume)) {
          problems.push({ code: ProblemCode.VolumeConflict, template, message: `template ${template} adds volume "${name}", but the Pod already has a different volume of that name; rename the Pod's volume or stop injecting ${template}` });
        }
      } else if (earlier !== undefined) {
        if (!jsonEqual(earlier.volume, volume)) {
          problems.push({ code: ProblemCode.TemplateConflict, template, message: `templates ${earlier.template} and ${template} both add a volume named "${name}" with different sources; inject only one of them` });
        }
      } else {
        added.set(name, { template, volume });
      }
    }
  }
  return [...added.values()];
}

