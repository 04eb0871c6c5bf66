import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { type ReactNode, useEffect, useState } from 'react';

type ConfirmModalProps = {
  opened: boolean;
  onClose(): void;
  onConfirm(): void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  color?: string;
  loading?: boolean;
  /** When set, the person must type this text before the button enables (for destructive actions). */
  typeToConfirm?: string;
};

/** A confirmation dialog; destructive ones ask for the resource's name to be typed. */
export function ConfirmModal({ opened, onClose, onConfirm, title, children, confirmLabel, color = 'red', loading = false, typeToConfirm }: ConfirmModalProps) {
  const [typed, setTyped] = useState('');
  useEffect(() => {
    if (!opened) setTyped('');
  }, [opened]);
  const isConfirmed = typeToConfirm === undefined || typed === typeToConfirm;
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (isConfirmed && !loading) onConfirm();
        }}
      >
        <Stack gap="md">
          <div>{children}</div>
          {typeToConfirm !== undefined ? (
            <TextInput
              label={
                <Text span size="sm">
                  Type <strong>{typeToConfirm}</strong> to confirm
                </Text>
              }
              value={typed}
              onChange={(event) => setTyped(event.currentTarget.value)}
              autoComplete="off"
              data-autofocus
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={loading}>
              Cancel
            </Button>
            <Button type="submit" color={color} disabled={!isConfirmed} loading={loading}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
