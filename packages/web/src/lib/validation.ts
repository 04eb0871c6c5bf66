/** Mirrors the server's slug rule: lowercase letters, digits and single hyphens, 1–64 characters. */
export const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The message for a slug, or null when it is fine. */
export function slugProblem(value: string, label = 'Name'): string | null {
  if (value.trim() === '') return `${label} is required`;
  if (value.length > 64) return `${label} must be at most 64 characters`;
  if (!slugPattern.test(value)) return `${label} must be slug-friendly: lowercase letters, digits and single hyphens (e.g. my-secret-rotation)`;
  return null;
}

/** Turns free text into a slug suggestion: `Payments API` → `payments-api`. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/g, '');
}

/** Secret names, as the server checks them: not empty, no whitespace or control characters, at most 256. */
export function secretNameProblem(value: string): string | null {
  if (value === '') return 'Secret name is required';
  if (/\s/u.test(value)) return 'Secret name must not contain spaces';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/u.test(value)) return 'Secret name must not contain control characters';
  if (value.length > 256) return 'Secret name must be at most 256 characters';
  return null;
}

/** Folder names: letters, digits, dashes and underscores, at most 64. */
export function folderNameProblem(value: string): string | null {
  if (value.trim() === '') return 'Folder name is required';
  if (value.length > 64) return 'Folder name must be at most 64 characters';
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return 'Folder name may contain only letters, digits, dashes and underscores';
  return null;
}

/** `/a/b` → ['a', 'b']. */
export function pathSegments(path: string): string[] {
  return path === '/' ? [] : path.replace(/^\/+|\/+$/g, '').split('/').filter(Boolean);
}

export function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

const guidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function guidProblem(value: string, label: string): string | null {
  if (value.trim() === '') return `${label} is required`;
  if (!guidPattern.test(value.trim())) return `${label} must be a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47`;
  return null;
}
