import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../lib/app.ts';

type CfnValue = string | { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, CfnValue[]] };

let templates: Record<string, unknown>[] | undefined;

function synthesizedTemplates(): Record<string, unknown>[] {
  templates ??= (() => {
    const { app } = createApp({ skipBundling: true, nag: false });
    return app.node.children
      .filter((child): child is import('aws-cdk-lib').Stack => 'templateOptions' in child)
      .map((stack) => Template.fromStack(stack).toJSON());
  })();
  return templates;
}

/** Tokens of the definition string, resolved to the placeholder values a local run needs. */
function resolve(value: CfnValue): string {
  if (typeof value === 'string') return value;
  if (value.Ref === 'AWS::Partition') return 'aws';
  if (value.Ref === 'AWS::Region') return 'us-east-1';
  if (value.Ref === 'AWS::AccountId') return '000000000000';
  if (value.Ref) return `arn:aws:lambda:us-east-1:000000000000:function:${value.Ref}`;
  if (value['Fn::GetAtt']) return `arn:aws:lambda:us-east-1:000000000000:function:${value['Fn::GetAtt'][0]}`;
  if (value['Fn::Join']) return value['Fn::Join'][1].map(resolve).join(value['Fn::Join'][0]);
  throw new Error(`Unsupported token in a state machine definition: ${JSON.stringify(value)}`);
}

/**
 * The ASL of a deployed state machine, taken from the synthesized CloudFormation template (bundling
 * skipped), with Lambda ARNs resolved to placeholders: what the workflow tests execute.
 */
export function synthesizedStateMachine(logicalIdPart: string): Record<string, unknown> {
  for (const template of synthesizedTemplates()) {
    const resources = (template.Resources ?? {}) as Record<
      string,
      { Type: string; Properties: { DefinitionString: CfnValue } }
    >;
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (resource.Type === 'AWS::StepFunctions::StateMachine' && logicalId.includes(logicalIdPart)) {
        return JSON.parse(resolve(resource.Properties.DefinitionString)) as Record<string, unknown>;
      }
    }
  }
  throw new Error(`No state machine *${logicalIdPart}* in the synthesized app`);
}
