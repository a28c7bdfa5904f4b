import type { Role } from '@onegrid/domain/access/roles';

/** Who is calling: resolved once per request from a session token or an API key. */
export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  districtId: string;
  roles: Role[];
  unitId: string;
  unitKind: string;
  /** District centre staff, leaders and admins see every case of the district. */
  districtWide: boolean;
  via: 'session' | 'api_key';
}
