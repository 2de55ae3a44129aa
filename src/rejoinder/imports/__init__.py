"""Imports from the systems publishers leave (Disqus, WordPress, Commento, Isso, Remark42, our
own export) and full exports: parsers stream records, ``mapping`` matches threads to stories,
``writer`` stores batches in transactions, ``report`` says what happened."""
