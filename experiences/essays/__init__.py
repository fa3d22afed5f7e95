"""Essays (心得体会): the essay and its principle pairs, quotations and related reading; the
parser that reads a received text and the importer that stores it. The pages that show
them are the reading domain's (reading/pages.py)."""
