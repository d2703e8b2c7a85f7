/**
 * A layer version's resource-based policy with Lambda's rules (API_AddLayerVersionPermission,
 * API_RemoveLayerVersionPermission, API_GetLayerVersionPolicy; dg/permissions-layer-cross-account.html):
 * principals are an account or `*`, `*` may be scoped to an organization, statement ids are unique
 * per version, and RevisionId guards concurrent changes.
 */
import { randomUUID } from 'node:crypto';
import { conflict, invalidParameter, notFound, preconditionFailed } from './lambda-errors.ts';
import type { AddPermissionInput, Caller, LayerStatement, LayerVersionRecord } from './types.ts';

const STATEMENT_ID = /^[a-zA-Z0-9_-]{1,100}$/;
const PRINCIPAL = /^(?:(\d{12})|\*|arn:aws[a-zA-Z-]*:iam::(\d{12}):root)$/;
const ORGANIZATION = /^o-[a-z0-9]{10,32}$/;

/** Checks and normalizes an AddLayerVersionPermission request into a statement. */
export function newStatement(input: AddPermissionInput): LayerStatement {
  if (!STATEMENT_ID.test(input.statementId)) {
    throw invalidParameter(`1 validation error detected: Value '${input.statementId}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)`);
  }
  if (input.action !== 'lambda:GetLayerVersion') {
    throw invalidParameter(`1 validation error detected: Value '${input.action}' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion`, 'the only action a layer grants is lambda:GetLayerVersion');
  }
  const m = PRINCIPAL.exec(input.principal);
  if (!m) {
    throw invalidParameter(`1 validation error detected: Value '${input.principal}' at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root`, 'grant a 12-digit account id, or * for every account');
  }
  const principal = m[1] ?? m[2] ?? '*';
  if (input.organizationId !== undefined) {
    if (!ORGANIZATION.test(input.organizationId)) {
      throw invalidParameter(`1 validation error detected: Value '${input.organizationId}' at 'organizationId' failed to satisfy constraint: Member must satisfy regular expression pattern: o-[a-z0-9]{10,32}`);
    }
    if (principal !== '*') throw invalidParameter('OrganizationId can only be specified when Principal is set to *.', 'use --principal "*" with --organization-id');
  }
  return { statementId: input.statementId, action: 'lambda:GetLayerVersion', principal, organizationId: input.organizationId };
}

function checkRevision(record: LayerVersionRecord, revisionId: string | undefined): void {
  if (revisionId !== undefined && revisionId !== record.policy?.revisionId) {
    throw preconditionFailed('The Revision Id provided does not match the latest Revision Id. Call the GetLayerVersionPolicy API to retrieve the latest Revision Id', 'read the policy again and pass its RevisionId, or leave RevisionId out');
  }
}

/** Adds a statement; returns the new revision id. */
export function addStatement(record: LayerVersionRecord, statement: LayerStatement, revisionId: string | undefined): string {
  checkRevision(record, revisionId);
  const statements = record.policy?.statements ?? [];
  if (statements.some((s) => s.statementId === statement.statementId)) {
    throw conflict(`The statement id (${statement.statementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`, 'pick another --statement-id, or remove the existing one first');
  }
  record.policy = { revisionId: randomUUID(), statements: [...statements, statement] };
  return record.policy.revisionId;
}

export function removeStatement(record: LayerVersionRecord, statementId: string, revisionId: string | undefined): void {
  checkRevision(record, revisionId);
  const statements = record.policy?.statements ?? [];
  if (!statements.some((s) => s.statementId === statementId)) {
    throw notFound(`Statement ${statementId} is not found in resource policy.`, 'list the statements with GetLayerVersionPolicy');
  }
  const rest = statements.filter((s) => s.statementId !== statementId);
  record.policy = rest.length === 0 ? undefined : { revisionId: randomUUID(), statements: rest };
}

/** The IAM statement JSON Lambda returns for a grant. */
export function statementJson(s: LayerStatement, resource: string): Record<string, unknown> {
  return {
    Sid: s.statementId,
    Effect: 'Allow',
    Principal: s.principal === '*' ? '*' : { AWS: `arn:aws:iam::${s.principal}:root` },
    Action: s.action,
    Resource: resource,
    ...(s.organizationId === undefined ? {} : { Condition: { StringEquals: { 'aws:PrincipalOrgID': s.organizationId } } }),
  };
}

export function policyJson(record: LayerVersionRecord, resource: string): string {
  const statements = record.policy?.statements ?? [];
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements.map((s) => statementJson(s, resource)) });
}

/** Does a statement let `caller` use the version? */
export function grants(record: LayerVersionRecord, caller: Caller): boolean {
  return (record.policy?.statements ?? []).some(
    (s) =>
      (s.principal === caller.account || s.principal === '*') &&
      (s.organizationId === undefined || s.organizationId === caller.organizationId),
  );
}
