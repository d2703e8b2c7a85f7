/** What Lambda checks of an uploaded zip before storing it: that it is one, and its unzipped size. */
import yauzl from 'yauzl';
import { invalidParameter } from './lambda-errors.ts';

/** Sum of the entries' uncompressed sizes, from the central directory; not a zip → Lambda's error. */
export async function unzippedSize(zip: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(unzipError(err));
      let total = 0;
      file.on('entry', (e: yauzl.Entry) => {
        total += e.uncompressedSize;
        file.readEntry();
      });
      file.once('end', () => resolve(total));
      file.once('error', (e: unknown) => reject(unzipError(e)));
      file.readEntry();
    });
  });
}

function unzipError(cause: unknown) {
  const err = invalidParameter(
    'Could not unzip uploaded file. Please check your file, then try to upload again.',
    `send a .zip archive (base64 in JSON, or fileb:// with the AWS CLI)${cause instanceof Error ? `; the reader said: ${cause.message}` : ''}`,
  );
  return err;
}
