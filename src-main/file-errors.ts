// A file the user named that cannot be read, said the way people say it: "not found: PATH", not a raw
// ENOENT. The path comes last so that a long one, cut to bound the message, never hides what is wrong.
import { errorMessage } from '../shared/error-text.js';

export function describeFileError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return `not found: ${path}`;
    case 'ENOTDIR':
      return `not found: ${path} (a part of the path is a file, not a folder)`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied: ${path}`;
    case 'EISDIR':
      return `a folder, not a file: ${path}`;
    case 'ENAMETOOLONG':
      return `the path is too long: ${path}`;
    case 'ELOOP':
      return `too many symbolic links: ${path}`;
    default:
      return `cannot read ${path} (${code ?? errorMessage(error)})`;
  }
}
