// Renders deploy/base and both overlays with `kubectl kustomize` and validates
// the output with podcheck's strict Kubernetes 1.34 schema. The tests then
// check the settings the webhook depends on: which Pods and Namespaces reach
// it, how it shuts down, what it may access, and PodSecurity "restricted".
import path from 'node:path';

import { findCheckers, repoRoot, runPodcheck } from '../support/checkers.js';
import type {
  Certificate,
  Container,
  Deployment,
  Issuer,
  MutatingWebhook,
  MutatingWebhookConfiguration,
  PodDisruptionBudget,
  Role,
  RoleBinding,
  Service,
} from './kinds.js';
import {
  findKubectl,
  findObject,
  objectsOfKind,
  renderKustomization,
  type KubeObject,
  type RenderedManifests,
} from './kustomize.js';
import { matchesLabelSelector } from './labelSelector.js';

const injectorNamespace = 'sidecar-injector';
const injectorName = 'sidecar-injector';
const tlsSecretName = 'sidecar-injector-tls';
const tlsDir = '/etc/sidecar-injector/tls';
const httpsPort = 8443;
/** Value of --drain-seconds when neither the flag nor its environment variable is set. */
const defaultDrainSeconds = 10;

/** Kinds without a namespace. Every other rendered object must be in the injector's namespace. */
const clusterScopedKinds = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'MutatingWebhookConfiguration',
]);

/** Volume sources that PodSecurity "restricted" allows. */
const restrictedVolumeSources = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/** RBAC of the base install, one line per verb (see `describeRules`). */
const namespaceReadRules = [
  'ClusterRole/sidecar-injector: core/namespaces get',
  'ClusterRole/sidecar-injector: core/namespaces list',
  'ClusterRole/sidecar-injector: core/namespaces watch',
];

const kubectlSkipReason = findKubectl();
if (kubectlSkipReason !== null) {
  console.warn(kubectlSkipReason);
}

const checkers = findCheckers();
if (typeof checkers === 'string') {
  console.warn(`podcheck validation of deploy manifests skipped: ${checkers}`);
}

const describeWithKubectl = kubectlSkipReason === null ? describe : describe.skip;
const itWithCheckers = typeof checkers === 'string' ? it.skip : it;

/** Renders a kustomization once for the enclosing describe block. */
function useRendered(relativeDir: string): () => RenderedManifests {
  let rendered: RenderedManifests | undefined;

  beforeAll(async () => {
    rendered = await renderKustomization(path.join(repoRoot, relativeDir));
  });

  return () => {
    if (!rendered) {
      throw new Error(`kubectl kustomize ${relativeDir} did not run: see the beforeAll error`);
    }
    return rendered;
  };
}

function injectorDeployment(rendered: RenderedManifests): Deployment {
  return findObject<Deployment>(rendered, 'Deployment', injectorName);
}

function injectorContainer(deployment: Deployment): Container {
  const container = deployment.spec.template.spec.containers.find((c) => c.name === injectorName);
  if (!container) {
    throw new Error(`container ${injectorName} not found in Deployment ${deployment.metadata.name}`);
  }
  return container;
}

function allContainers(deployment: Deployment): readonly Container[] {
  const spec = deployment.spec.template.spec;
  return [...(spec.initContainers ?? []), ...spec.containers];
}

function templateLabels(deployment: Deployment): Readonly<Record<string, string>> {
  return deployment.spec.template.metadata.labels ?? {};
}

function injectorWebhook(rendered: RenderedManifests): MutatingWebhook {
  const configuration = findObject<MutatingWebhookConfiguration>(
    rendered,
    'MutatingWebhookConfiguration',
    injectorName,
  );
  if (configuration.webhooks.length !== 1) {
    throw new Error(
      `MutatingWebhookConfiguration ${injectorName} has ${configuration.webhooks.length} webhooks, expected 1`,
    );
  }
  return configuration.webhooks[0]!;
}

/**
 * Returns the value of `--flag=value` in the container's args, or else of its
 * SIDECAR_INJECTOR_<FLAG> environment variable, as the server reads them.
 */
function flagValue(container: Container, flag: string): string | undefined {
  const prefix = `--${flag}=`;
  const fromArgs = (container.args ?? []).filter((arg) => arg.startsWith(prefix)).at(-1);
  if (fromArgs !== undefined) {
    return fromArgs.slice(prefix.length);
  }

  const variable = `SIDECAR_INJECTOR_${flag.toUpperCase().replaceAll('-', '_')}`;
  return container.env?.find((entry) => entry.name === variable)?.value;
}

function hasFlag(container: Container, flag: string): boolean {
  return (container.args ?? []).some((arg) => arg === `--${flag}` || arg.startsWith(`--${flag}=`));
}

/** Resolves a numeric or named port against the container's ports. */
function resolveContainerPort(container: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') {
    return port;
  }
  return container.ports?.find((entry) => entry.name === port)?.containerPort;
}

/** Labels of a Namespace as the API server stores them, including kubernetes.io/metadata.name. */
function namespaceLabels(
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return { ...labels, 'kubernetes.io/metadata.name': name };
}

/**
 * Lists every RBAC permission as `Kind/name: group/resource[resourceNames] verb`,
 * sorted, so that a whole set of roles compares with one toEqual and a
 * difference shows the exact permission.
 */
function describeRules(rendered: RenderedManifests): string[] {
  const roles = [
    ...objectsOfKind<Role>(rendered, 'Role'),
    ...objectsOfKind<Role>(rendered, 'ClusterRole'),
  ];
  const lines: string[] = [];

  for (const role of roles) {
    for (const rule of role.rules ?? []) {
      const names = rule.resourceNames ? `[${rule.resourceNames.join(',')}]` : '';
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs) {
            lines.push(`${role.kind}/${role.metadata.name}: ${group === '' ? 'core' : group}/${resource}${names} ${verb}`);
          }
        }
      }
      for (const url of rule.nonResourceURLs ?? []) {
        lines.push(`${role.kind}/${role.metadata.name}: nonResourceURL ${url} ${rule.verbs.join(',')}`);
      }
    }
  }
  return lines.sort();
}

/** Checks that every overlay and the base must pass. */
function describeCommonChecks(renderedManifests: () => RenderedManifests): void {
  itWithCheckers('passes podcheck strict validation', async () => {
    const result = await runPodcheck(checkers as Exclude<typeof checkers, string>, renderedManifests().text);

    expect(result.stderr).toBe('');
    expect(result.stdout).not.toMatch(/ERROR|warning:/);
    expect(result.code).toBe(0);
  });

  it('places objects in injector namespace', () => {
    const namespaced = renderedManifests().objects.filter((object) => !clusterScopedKinds.has(object.kind));

    expect(namespaced.length).toBeGreaterThan(0);
    for (const object of namespaced) {
      expect(`${object.kind}/${object.metadata.name} in ${object.metadata.namespace}`).toBe(
        `${object.kind}/${object.metadata.name} in ${injectorNamespace}`,
      );
    }
  });

  it('labels injector namespace', () => {
    const namespace = findObject<KubeObject>(renderedManifests(), 'Namespace', injectorNamespace);
    const labels = namespace.metadata.labels ?? {};

    expect(labels['sidecar-injector.io/injection']).toBe('disabled');
    expect(labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('sets webhook fields explicitly', () => {
    const webhook = injectorWebhook(renderedManifests());

    expect(webhook.admissionReviewVersions).toEqual(['v1']);
    expect(webhook.sideEffects).toBe('None');
    expect(webhook.timeoutSeconds).toBe(5);
    expect(webhook.failurePolicy).toBe('Ignore');
    expect(webhook.reinvocationPolicy).toBe('IfNeeded');
    expect(webhook.matchPolicy).toBe('Equivalent');
    expect(webhook.rules).toEqual([
      {
        operations: ['CREATE'],
        apiGroups: [''],
        apiVersions: ['v1'],
        resources: ['pods'],
        scope: 'Namespaced',
      },
    ]);
    expect(webhook.clientConfig.url).toBeUndefined();
    expect(webhook.clientConfig.service).toEqual({
      name: injectorName,
      namespace: injectorNamespace,
      path: '/mutate',
      port: 443,
    });
  });

  it('leaves caBundle unset', () => {
    // cert-manager's cainjector or the injector itself fills it in. A value
    // here would replace theirs on every kubectl apply.
    expect(injectorWebhook(renderedManifests()).clientConfig.caBundle).toBeUndefined();
  });

  it('declares namespaceSelector exclusions', () => {
    expect(injectorWebhook(renderedManifests()).namespaceSelector).toEqual({
      matchExpressions: [
        {
          key: 'kubernetes.io/metadata.name',
          operator: 'NotIn',
          values: ['kube-system', 'kube-public', 'kube-node-lease', injectorNamespace],
        },
        { key: 'sidecar-injector.io/injection', operator: 'NotIn', values: ['disabled'] },
      ],
    });
  });

  it('declares objectSelector exclusion', () => {
    expect(injectorWebhook(renderedManifests()).objectSelector).toEqual({
      matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'NotIn', values: [injectorName] }],
    });
  });

  it('skips injector pod template', () => {
    const rendered = renderedManifests();
    const labels = templateLabels(injectorDeployment(rendered));

    expect(labels['app.kubernetes.io/name']).toBe(injectorName);
    expect(matchesLabelSelector(injectorWebhook(rendered).objectSelector, labels)).toBe(false);
  });

  it('skips injector namespace', () => {
    const rendered = renderedManifests();
    const selector = injectorWebhook(rendered).namespaceSelector;
    const namespace = findObject<KubeObject>(rendered, 'Namespace', injectorNamespace);

    expect(matchesLabelSelector(selector, namespaceLabels(injectorNamespace, namespace.metadata.labels))).toBe(false);
    // Each exclusion works on its own: by name, and by the opt-out label.
    expect(matchesLabelSelector(selector, namespaceLabels(injectorNamespace))).toBe(false);
    expect(
      matchesLabelSelector(selector, namespaceLabels('team-a', { 'sidecar-injector.io/injection': 'disabled' })),
    ).toBe(false);
  });

  it.each(['kube-system', 'kube-public', 'kube-node-lease'])('skips %s namespace', (name) => {
    const selector = injectorWebhook(renderedManifests()).namespaceSelector;

    expect(matchesLabelSelector(selector, namespaceLabels(name))).toBe(false);
  });

  it('selects ordinary pods', () => {
    const webhook = injectorWebhook(renderedManifests());

    expect(matchesLabelSelector(webhook.namespaceSelector, namespaceLabels('default'))).toBe(true);
    expect(
      matchesLabelSelector(webhook.namespaceSelector, namespaceLabels('team-a', { 'sidecar-injector.io/injection': 'enabled' })),
    ).toBe(true);
    expect(matchesLabelSelector(webhook.objectSelector, {})).toBe(true);
    expect(matchesLabelSelector(webhook.objectSelector, { 'app.kubernetes.io/name': 'shop' })).toBe(true);
  });

  it('routes Service 443 to 8443', () => {
    const rendered = renderedManifests();
    const service = findObject<Service>(rendered, 'Service', injectorName);
    const deployment = injectorDeployment(rendered);
    const container = injectorContainer(deployment);

    expect(service.spec.ports).toHaveLength(1);
    expect(service.spec.ports[0]!.port).toBe(443);
    expect(resolveContainerPort(container, service.spec.ports[0]!.targetPort)).toBe(httpsPort);
    expect(flagValue(container, 'port')).toBe(String(httpsPort));
    expect(matchesLabelSelector({ matchLabels: service.spec.selector ?? {} }, templateLabels(deployment))).toBe(true);
    expect(Object.keys(service.spec.selector ?? {}).length).toBeGreaterThan(0);
  });

  it('points webhook at Service', () => {
    const rendered = renderedManifests();
    const service = findObject<Service>(rendered, 'Service', injectorName);
    const target = injectorWebhook(rendered).clientConfig.service;

    expect(target?.name).toBe(service.metadata.name);
    expect(target?.namespace).toBe(service.metadata.namespace);
    expect(service.spec.ports.map((port) => port.port)).toContain(target?.port);
  });

  it('runs three spread replicas', () => {
    const deployment = injectorDeployment(renderedManifests());
    const spec = deployment.spec.template.spec;
    const hostnameSpread = spec.topologySpreadConstraints?.find(
      (constraint) => constraint.topologyKey === 'kubernetes.io/hostname',
    );

    expect(deployment.spec.replicas).toBe(3);
    expect(matchesLabelSelector(deployment.spec.selector, templateLabels(deployment))).toBe(true);
    expect(hostnameSpread).toBeDefined();
    expect(hostnameSpread?.maxSkew).toBe(1);
    expect(matchesLabelSelector(hostnameSpread?.labelSelector, templateLabels(deployment))).toBe(true);
    expect(spec.priorityClassName).toBeUndefined();
  });

  it('limits disruption to one pod', () => {
    const rendered = renderedManifests();
    const budget = findObject<PodDisruptionBudget>(rendered, 'PodDisruptionBudget', injectorName);
    const budgetAllowsOne = budget.spec.maxUnavailable === 1 || budget.spec.minAvailable === 2;

    expect(matchesLabelSelector(budget.spec.selector, templateLabels(injectorDeployment(rendered)))).toBe(true);
    expect(budgetAllowsOne).toBe(true);
  });

  it('outlasts drain on termination', () => {
    const deployment = injectorDeployment(renderedManifests());
    const drainText = flagValue(injectorContainer(deployment), 'drain-seconds');
    const drainSeconds = drainText === undefined ? defaultDrainSeconds : Number(drainText);
    const gracePeriodSeconds = deployment.spec.template.spec.terminationGracePeriodSeconds;

    expect(Number.isInteger(drainSeconds)).toBe(true);
    expect(gracePeriodSeconds).toBe(30);
    expect(gracePeriodSeconds!).toBeGreaterThan(drainSeconds);
  });

  it('probes over HTTPS on 8443', () => {
    const container = injectorContainer(injectorDeployment(renderedManifests()));
    const probes = [
      { kind: 'startupProbe', probe: container.startupProbe, path: '/healthz' },
      { kind: 'livenessProbe', probe: container.livenessProbe, path: '/healthz' },
      { kind: 'readinessProbe', probe: container.readinessProbe, path: '/readyz' },
    ];

    for (const { kind, probe, path: probePath } of probes) {
      expect(`${kind} scheme ${probe?.httpGet?.scheme}`).toBe(`${kind} scheme HTTPS`);
      expect(`${kind} path ${probe?.httpGet?.path}`).toBe(`${kind} path ${probePath}`);
      expect(`${kind} port ${resolveContainerPort(container, probe?.httpGet?.port)}`).toBe(`${kind} port ${httpsPort}`);
    }
  });

  it('requests resources without CPU limit', () => {
    for (const container of allContainers(injectorDeployment(renderedManifests()))) {
      const resources = container.resources;

      expect(resources?.requests?.cpu).toBeDefined();
      expect(resources?.requests?.memory).toBeDefined();
      expect(resources?.limits?.cpu).toBeUndefined();
      expect(resources?.limits?.memory).toBeDefined();
    }
  });

  it('meets PodSecurity restricted', () => {
    const spec = injectorDeployment(renderedManifests()).spec.template.spec;

    expect(spec.securityContext?.runAsNonRoot).toBe(true);
    expect(spec.securityContext?.runAsUser).not.toBe(0);
    expect(spec.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
    expect(spec.hostNetwork).not.toBe(true);
    expect(spec.hostPID).not.toBe(true);
    expect(spec.hostIPC).not.toBe(true);

    for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
      const context = container.securityContext;

      expect(context?.runAsNonRoot).toBe(true);
      expect(context?.runAsUser).not.toBe(0);
      expect(context?.allowPrivilegeEscalation).toBe(false);
      expect(context?.privileged).not.toBe(true);
      expect(context?.capabilities?.drop).toContain('ALL');
      expect((context?.capabilities?.add ?? []).filter((name) => name !== 'NET_BIND_SERVICE')).toEqual([]);
      expect(context?.seccompProfile?.type).toBe('RuntimeDefault');
      expect(context?.readOnlyRootFilesystem).toBe(true);
    }

    for (const volume of spec.volumes ?? []) {
      const sources = Object.keys(volume).filter((key) => key !== 'name');
      expect(sources.filter((source) => !restrictedVolumeSources.has(source))).toEqual([]);
    }
  });

  it('mounts writable /tmp', () => {
    const spec = injectorDeployment(renderedManifests()).spec.template.spec;
    const mount = injectorContainer(injectorDeployment(renderedManifests())).volumeMounts?.find(
      (entry) => entry.mountPath === '/tmp',
    );
    const volume = spec.volumes?.find((entry) => entry.name === mount?.name);

    expect(mount?.readOnly).not.toBe(true);
    expect(volume?.emptyDir).toBeDefined();
  });

  it('reads TLS files from TLS mount', () => {
    const container = injectorContainer(injectorDeployment(renderedManifests()));
    const mount = container.volumeMounts?.find((entry) => entry.mountPath === tlsDir);

    expect(mount).toBeDefined();
    expect(flagValue(container, 'tls-cert-file')).toBe(`${tlsDir}/tls.crt`);
    expect(flagValue(container, 'tls-key-file')).toBe(`${tlsDir}/tls.key`);
  });

  it('sets POD_NAMESPACE from downward API', () => {
    const container = injectorContainer(injectorDeployment(renderedManifests()));
    const variable = container.env?.find((entry) => entry.name === 'POD_NAMESPACE');

    expect(variable?.value).toBeUndefined();
    expect(variable?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.namespace');
  });

  it('runs as injector service account', () => {
    const rendered = renderedManifests();
    const spec = injectorDeployment(rendered).spec.template.spec;
    const serviceAccount = findObject<KubeObject>(rendered, 'ServiceAccount', injectorName);

    expect(spec.serviceAccountName).toBe(serviceAccount.metadata.name);
    expect(spec.automountServiceAccountToken).toBe(true);
  });

  it('binds roles to injector only', () => {
    const rendered = renderedManifests();
    const bindings = [
      ...objectsOfKind<RoleBinding>(rendered, 'RoleBinding'),
      ...objectsOfKind<RoleBinding>(rendered, 'ClusterRoleBinding'),
    ];
    const roleIds = [...objectsOfKind(rendered, 'Role'), ...objectsOfKind(rendered, 'ClusterRole')].map(
      (role) => `${role.kind}/${role.metadata.name}`,
    );

    expect(bindings.map((binding) => `${binding.roleRef.kind}/${binding.roleRef.name}`).sort()).toEqual(roleIds.sort());
    for (const binding of bindings) {
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: injectorName, namespace: injectorNamespace },
      ]);
    }
  });

  it('grants no wildcard permissions', () => {
    for (const line of describeRules(renderedManifests())) {
      expect(line).not.toContain('*');
      expect(line).not.toContain('nonResourceURL');
    }
  });
}

/** Checks of the Secret volume that base and the cert-manager overlay share. */
function describeSecretVolumeChecks(renderedManifests: () => RenderedManifests): void {
  it('mounts TLS Secret read-only', () => {
    const deployment = injectorDeployment(renderedManifests());
    const mount = injectorContainer(deployment).volumeMounts?.find((entry) => entry.mountPath === tlsDir);
    const volume = deployment.spec.template.spec.volumes?.find((entry) => entry.name === mount?.name);

    expect(mount?.readOnly).toBe(true);
    expect(volume?.secret?.secretName).toBe(tlsSecretName);
    expect(volume?.secret?.optional).not.toBe(true);
  });

  it('grants only namespace reads', () => {
    expect(describeRules(renderedManifests())).toEqual(namespaceReadRules);
  });

  it('omits self-managed TLS flags', () => {
    const container = injectorContainer(injectorDeployment(renderedManifests()));

    expect(hasFlag(container, 'self-managed-tls')).toBe(false);
  });
}

describeWithKubectl('deploy/base', () => {
  const renderedManifests = useRendered('deploy/base');

  describeCommonChecks(renderedManifests);
  describeSecretVolumeChecks(renderedManifests);
});

describeWithKubectl('deploy/overlays/cert-manager', () => {
  const renderedManifests = useRendered('deploy/overlays/cert-manager');

  describeCommonChecks(renderedManifests);
  describeSecretVolumeChecks(renderedManifests);

  it('annotates webhook for cainjector', () => {
    const rendered = renderedManifests();
    const configuration = findObject<MutatingWebhookConfiguration>(rendered, 'MutatingWebhookConfiguration', injectorName);
    const serving = findObject<Certificate>(rendered, 'Certificate', 'sidecar-injector-serving');

    expect(configuration.metadata.annotations?.['cert-manager.io/inject-ca-from']).toBe(
      `${serving.metadata.namespace}/${serving.metadata.name}`,
    );
    expect(configuration.metadata.annotations?.['cert-manager.io/inject-ca-from']).toBe(
      'sidecar-injector/sidecar-injector-serving',
    );
  });

  it('issues serving certificate for Service', () => {
    const rendered = renderedManifests();
    const serving = findObject<Certificate>(rendered, 'Certificate', 'sidecar-injector-serving');
    const service = findObject<Service>(rendered, 'Service', injectorName);

    expect(serving.spec.secretName).toBe(tlsSecretName);
    expect(serving.spec.isCA).not.toBe(true);
    expect(serving.spec.dnsNames).toContain(`${service.metadata.name}.${service.metadata.namespace}.svc`);
    expect(serving.spec.usages).toContain('server auth');
  });

  it('chains serving certificate to CA', () => {
    const rendered = renderedManifests();
    const serving = findObject<Certificate>(rendered, 'Certificate', 'sidecar-injector-serving');
    const caIssuer = findObject<Issuer>(rendered, 'Issuer', serving.spec.issuerRef.name);
    const caCertificate = objectsOfKind<Certificate>(rendered, 'Certificate').find(
      (certificate) => certificate.spec.secretName === caIssuer.spec.ca?.secretName,
    );
    const rootIssuer = findObject<Issuer>(rendered, 'Issuer', caCertificate?.spec.issuerRef.name ?? '');

    expect(serving.spec.issuerRef.kind).toBe('Issuer');
    expect(caIssuer.spec.ca?.secretName).toBeDefined();
    expect(caCertificate?.spec.isCA).toBe(true);
    expect(caCertificate?.spec.issuerRef.kind).toBe('Issuer');
    expect(rootIssuer.spec.selfSigned).toEqual({});
  });
});

describeWithKubectl('deploy/overlays/self-managed', () => {
  const renderedManifests = useRendered('deploy/overlays/self-managed');

  describeCommonChecks(renderedManifests);

  it('names objects in TLS flags', () => {
    const rendered = renderedManifests();
    const container = injectorContainer(injectorDeployment(rendered));

    expect(hasFlag(container, 'self-managed-tls')).toBe(true);
    expect(flagValue(container, 'webhook-config-name')).toBe(
      findObject(rendered, 'MutatingWebhookConfiguration', injectorName).metadata.name,
    );
    expect(flagValue(container, 'service-name')).toBe(findObject(rendered, 'Service', injectorName).metadata.name);
    expect(flagValue(container, 'tls-secret-name')).toBe(tlsSecretName);
  });

  it('writes TLS files to emptyDir', () => {
    const deployment = injectorDeployment(renderedManifests());
    const mount = injectorContainer(deployment).volumeMounts?.find((entry) => entry.mountPath === tlsDir);
    const volume = deployment.spec.template.spec.volumes?.find((entry) => entry.name === mount?.name);

    expect(mount?.readOnly).not.toBe(true);
    expect(volume?.secret).toBeUndefined();
    expect(volume?.emptyDir).toBeDefined();
  });

  it('grants only certificate management', () => {
    expect(describeRules(renderedManifests())).toEqual(
      [
        ...namespaceReadRules,
        'ClusterRole/sidecar-injector-webhook-ca: admissionregistration.k8s.io/mutatingwebhookconfigurations[sidecar-injector] get',
        'ClusterRole/sidecar-injector-webhook-ca: admissionregistration.k8s.io/mutatingwebhookconfigurations[sidecar-injector] patch',
        // create cannot be limited by resourceNames, so that rule has none.
        'Role/sidecar-injector-tls: core/secrets create',
        'Role/sidecar-injector-tls: core/secrets[sidecar-injector-tls] get',
        'Role/sidecar-injector-tls: core/secrets[sidecar-injector-tls] update',
      ].sort(),
    );
  });
});
