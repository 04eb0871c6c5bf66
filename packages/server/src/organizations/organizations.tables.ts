import type { NullableTimestamp } from '../auth/auth.tables.js';
import type { Timestamp } from '../db/column-types.js';

export type OrganizationsTable = {
  id: string;
  name: string;
  slug: string;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type OrgMembershipStatus = 'invited' | 'accepted';

export type OrgMembershipsTable = {
  id: string;
  org_id: string;
  user_id: string;
  role: string;
  status: OrgMembershipStatus;
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** One-time invitation links; only the SHA-256 of the token is stored. */
export type OrgInvitationsTable = {
  id: string;
  org_id: string;
  membership_id: string;
  email: string;
  token_hash: string;
  invited_by: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: NullableTimestamp;
};

export type OrganizationTables = {
  organizations: OrganizationsTable;
  org_memberships: OrgMembershipsTable;
  org_invitations: OrgInvitationsTable;
};
