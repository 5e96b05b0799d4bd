import type { Template } from 'aws-cdk-lib/assertions';

type Json = Record<string, unknown>;
interface CfnResourceJson {
  Type: string;
  Properties?: Json;
  DependsOn?: string | string[];
}

export function resourcesOf(template: Template, type?: string): Record<string, CfnResourceJson> {
  const all = template.toJSON()['Resources'] as Record<string, CfnResourceJson>;
  if (!type) return all;
  return Object.fromEntries(Object.entries(all).filter(([, r]) => r.Type === type));
}

function refOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'Ref' in value) return String((value as { Ref: unknown }).Ref);
  return undefined;
}

/**
 * The REST API's methods keyed `METHOD /path/{param}`, rebuilt from the template's Resource tree (PathPart,
 * ParentId), so tests compare the synthesized API with the route table.
 */
export function apiMethods(template: Template): Map<string, Json> {
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const pathOf = (resourceId: unknown): string => {
    const ref = refOf(resourceId);
    if (!ref) return ''; // Fn::GetAtt RootResourceId
    const resource = resources[ref];
    if (!resource?.Properties) throw new Error(`unknown API resource ${ref}`);
    return `${pathOf(resource.Properties['ParentId'])}/${String(resource.Properties['PathPart'])}`;
  };
  const methods = new Map<string, Json>();
  for (const method of Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'))) {
    const props = method.Properties ?? {};
    const key = `${String(props['HttpMethod'])} ${pathOf(props['ResourceId']) || '/'}`;
    if (methods.has(key)) throw new Error(`duplicate method ${key}`);
    methods.set(key, props);
  }
  return methods;
}
