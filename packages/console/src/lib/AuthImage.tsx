/** An uploaded photo: files need the bearer token, so it is fetched and shown from a blob URL. */
import { Image } from 'antd';
import { useEffect, useState } from 'react';
import { apiHeaders } from '../api/client.ts';

export function AuthImage({ id, alt }: { id: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    void fetch(`/api/v1/files/${id}`, { headers: apiHeaders() })
      .then((r) => (r.ok ? r.blob() : null))
      .then((b) => {
        if (b) {
          url = URL.createObjectURL(b);
          setSrc(url);
        }
      });
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [id]);
  return src ? <Image src={src} alt={alt} width={120} height={90} style={{ objectFit: 'cover' }} /> : null;
}
