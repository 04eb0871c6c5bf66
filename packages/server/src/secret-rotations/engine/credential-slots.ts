import type { Keyring } from '../../crypto/keyring.js';
import type { RotationRow } from './engine.types.js';

export type SlotIndex = 0 | 1;

export const otherSlot = (index: number): SlotIndex => (index === 0 ? 1 : 0);

export function slotAad(rotationId: string, slot: SlotIndex): string {
  return `secret-rotation:${rotationId}:slot${slot}`;
}

export function attemptCredentialAad(attemptId: string): string {
  return `secret-rotation-attempt:${attemptId}:credential`;
}

export function slotExternalId(rotation: RotationRow, slot: SlotIndex): string | null {
  return slot === 0 ? rotation.slot0_external_id : rotation.slot1_external_id;
}

export function slotExpiresAt(rotation: RotationRow, slot: SlotIndex): Date | null {
  return slot === 0 ? rotation.slot0_expires_at : rotation.slot1_expires_at;
}

export async function openSlot(keyring: Keyring, rotation: RotationRow, slot: SlotIndex): Promise<Record<string, unknown> | null> {
  const sealed = slot === 0 ? rotation.slot0_credential : rotation.slot1_credential;
  if (!sealed) return null;
  return JSON.parse(await keyring.decryptText(rotation.org_id, slotAad(rotation.id, slot), sealed)) as Record<string, unknown>;
}

/** Column values that put a credential into a slot (or empty it). */
export function slotColumns(slot: SlotIndex, value: { credential: Buffer; externalId: string; expiresAt: Date | null } | null) {
  const credential = value?.credential ?? null;
  const externalId = value?.externalId ?? null;
  const expiresAt = value?.expiresAt ?? null;
  return slot === 0
    ? { slot0_credential: credential, slot0_external_id: externalId, slot0_expires_at: expiresAt }
    : { slot1_credential: credential, slot1_external_id: externalId, slot1_expires_at: expiresAt };
}

/** Every credential Rekey tracks for a rotation (both slots). */
export function trackedExternalIds(rotation: RotationRow): string[] {
  return [rotation.slot0_external_id, rotation.slot1_external_id].filter((id): id is string => Boolean(id));
}

/** The display-name marker of credentials a rotation creates: Rekey, rotation id, attempt id. */
export function rotationMarkerPrefix(rotationId: string): string {
  return `Rekey rotation ${rotationId}`;
}

export function attemptMarker(rotationId: string, attemptId: string): string {
  return `${rotationMarkerPrefix(rotationId)} attempt ${attemptId}`;
}
